// Progressive enhancement only: every page works without JavaScript.
// Move focus to the error summary so screen-reader and keyboard users hear the problem first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
