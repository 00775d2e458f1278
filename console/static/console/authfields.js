// Show only the fields of the chosen authentication type (custom-service form). A field
// marked data-auth-types="oauth2 oauth1" shows for those types; one without the mark
// always shows. Without JavaScript every field shows and the server ignores the others.
document.addEventListener("DOMContentLoaded", function () {
  var choice = document.getElementById("id_auth_type");
  if (!choice) return;
  var rows = document.querySelectorAll("[data-auth-types]");
  function apply() {
    rows.forEach(function (row) {
      var types = row.getAttribute("data-auth-types").split(" ");
      var shown = types.indexOf(choice.value) !== -1;
      row.hidden = !shown;
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !shown;
      });
    });
  }
  choice.addEventListener("change", apply);
  apply();
});
