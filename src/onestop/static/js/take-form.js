// Choosing an item selects the zone whose windows serve it (delegated: the form may be swapped).
document.addEventListener("change", (event) => {
  if (event.target.id !== "take-item") return;
  const zone = event.target.selectedOptions[0].dataset.zone;
  if (zone) document.getElementById(`zone-${zone}`).checked = true;
});
