// Copy buttons for read-only inputs: <button data-copy-input="ID"> copies the value of the
// input with that id. No inline script, so it works under the Content-Security-Policy.
(function () {
  function copyInputs() {
    document.querySelectorAll("[data-copy-input]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.dataset.copyInput);
        if (!input) return;
        input.select();
        function done() { button.textContent = "Copied"; }
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(input.value).then(done, function () {
            button.textContent = "Select and copy";
          });
        } else if (document.execCommand && document.execCommand("copy")) {
          done();
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", copyInputs);
  } else {
    copyInputs();
  }
})();
