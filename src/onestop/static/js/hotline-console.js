// Ctrl+Enter (or Cmd+Enter) registers the call from any field of the form.
document.getElementById("ticket-form").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.requestSubmit();
  }
});
for (const id of ["id_kind", "id_urgency", "id_region"]) {
  document.getElementById(id).classList.add("form-select");
}
