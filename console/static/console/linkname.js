// Fill the link name from the connection name until the developer edits it (SPEC rule).
document.addEventListener("DOMContentLoaded", function () {
  var name = document.getElementById("id_name"), link = document.getElementById("id_link_name");
  if (!name || !link) return;
  var touched = false;
  link.addEventListener("input", function () { touched = true; });
  name.addEventListener("input", function () {
    if (touched) return;
    link.value = name.value.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^[0-9_]+/, "").slice(0, 50).replace(/_+$/, "");
  });
});
