// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  // Move focus to the error summary so screen-reader and keyboard users hear the problem first.
  summary.focus();
  // A link in the summary moves focus to its field and shows the field's label or legend too.
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var legend = fieldset && fieldset.querySelector("legend");
    var label = document.querySelector("label[for='" + field.id + "']");
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
});

// Warn before leaving a page whose form (marked data-warn-unsaved) has changes not yet sent:
// typed in, or shown again unsaved (data-unsaved). Sending that form is not leaving it, nor is
// a control marked data-discards-unsaved (it throws the changes away on purpose).
(function () {
  var unsaved = false;
  function watched(element) {
    var form = element && element.form;
    return form && form.hasAttribute("data-warn-unsaved") ? form : null;
  }
  document.addEventListener("DOMContentLoaded", function () {
    unsaved = document.querySelector("form[data-warn-unsaved][data-unsaved]") !== null;
  });
  document.addEventListener("input", function (event) {
    if (watched(event.target)) {
      unsaved = true;
    }
  });
  document.addEventListener("change", function (event) {
    if (watched(event.target)) {
      unsaved = true;
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-warn-unsaved") || form.hasAttribute("data-discards-unsaved")) {
      unsaved = false;
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a[data-discards-unsaved]")) {
      unsaved = false;
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
