// Choosing a new file switches the material away from the file on record.
document.querySelectorAll('input[type="file"][name^="file_"]').forEach((input) => {
  input.addEventListener("change", () => {
    const fresh = document.getElementById(`${input.name.replace("file_", "reuse_")}_new`);
    if (fresh && input.files.length) fresh.checked = true;
  });
});
