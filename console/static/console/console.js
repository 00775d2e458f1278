// Small progressive enhancements; every page works without this file.
(function () {
  function namespacePreview() {
    var out = document.getElementById("namespace-preview");
    if (!out) return;
    var input = document.getElementById(out.dataset.source);
    function update() { out.textContent = (input.value || "").toLowerCase().replace(/[^a-z0-9]+/g, "").slice(0, 50); }
    input.addEventListener("input", update); update();
  }
  function tabs() {
    document.querySelectorAll("[data-tabs]").forEach(function (box) {
      var buttons = box.querySelectorAll("[role=tab]");
      buttons.forEach(function (button) {
        button.addEventListener("click", function () {
          buttons.forEach(function (b) {
            b.setAttribute("aria-selected", b === button ? "true" : "false");
            document.getElementById(b.getAttribute("aria-controls")).hidden = b !== button;
          });
        });
      });
    });
  }
  function copyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = document.getElementById(button.dataset.copy).textContent;
        navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { namespacePreview(); tabs(); copyButtons(); });
})();
