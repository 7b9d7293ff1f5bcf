// Live validation of ID numbers and credit codes through the identity API (the server checks
// again on submit). The API's address comes from the script tag's data-check-url.
const checkUrl = document.querySelector("script[data-check-url]").dataset.checkUrl;

document.querySelectorAll("[data-check]").forEach((input) => {
  input.addEventListener("blur", async () => {
    const box = document.querySelector(`[data-feedback-for="${input.name}"]`);
    if (!box) return;
    if (!input.value) {
      box.textContent = "";
      input.classList.remove("is-invalid", "is-valid");
      return;
    }
    const url = `${checkUrl}?kind=${input.dataset.check}&value=${encodeURIComponent(input.value)}`;
    try {
      const res = await fetch(url);
      const body = await res.json();
      input.classList.toggle("is-invalid", !body.valid);
      input.classList.toggle("is-valid", !!body.valid);
      box.textContent = body.valid ? "" : body.reason || body.message || "";
    } catch (e) {
      // offline: the server validates on submit
    }
  });
});
