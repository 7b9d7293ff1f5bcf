// Behaviour every page may use, declared in the markup instead of inline handlers (the CSP
// allows no inline script):
//   <button data-print>            prints the page;
//   <select data-autosubmit>       submits its form when the choice changes;
//   <form data-confirm="question"> asks before it is sent.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.requestSubmit();
});
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
