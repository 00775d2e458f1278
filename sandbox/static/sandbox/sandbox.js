// Asks before forms marked data-confirm are sent (htmx forms use hx-confirm instead).
document.addEventListener("submit", function (event) {
  var message = event.target.dataset && event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
