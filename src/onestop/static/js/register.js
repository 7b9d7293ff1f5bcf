// A person registers with an ID number; an enterprise with a credit code and its legal
// representative: only the rows of the chosen kind show.
const kind = document.getElementById("id_kind");

function showKind() {
  const person = kind.value === "person";
  document.getElementById("row-id_number").hidden = !person;
  document.getElementById("row-credit_code").hidden = person;
  document.getElementById("row-legal_representative").hidden = person;
}

kind.addEventListener("change", showKind);
showKind();
