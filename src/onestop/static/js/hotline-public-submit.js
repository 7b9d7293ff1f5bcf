// The form's widgets take Bootstrap's classes.
const form = "#public-form";
for (const el of document.querySelectorAll(
  `${form} input:not([type=checkbox]):not([type=hidden]), ${form} textarea`,
)) {
  el.classList.add("form-control");
}
for (const el of document.querySelectorAll(`${form} select`)) el.classList.add("form-select");
for (const el of document.querySelectorAll(`${form} input[type=checkbox]`)) {
  el.classList.add("form-check-input");
}
