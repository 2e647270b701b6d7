/* Behaviour the pages ask for by data attributes, so that no page carries inline script and the
   Content-Security-Policy can forbid it (issue 11 #14).

   data-confirm="…"  on a button: asks before its form is sent; on a form: asks before it is sent.
   data-autosubmit   on a select: sends its form when the choice changes. */
"use strict";

document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("submit", function (event) {
  var form = event.target;
  // A button that asked already (above) needs no second question from its form.
  var asked = event.submitter && event.submitter.hasAttribute("data-confirm");
  if (form.hasAttribute("data-confirm") && !asked && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches("select[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
