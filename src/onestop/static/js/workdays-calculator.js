// The working-day calculator asks the workdays API and shows the due date, the holidays it
// skipped and the make-up working days it counted.
const form = document.getElementById("due-form");
const show = (el, on) => el.classList.toggle("d-none", !on);
const $ = (id) => document.getElementById(id);
const weekdayFormat = new Intl.DateTimeFormat(document.documentElement.lang || "zh-CN", {
  weekday: "long", timeZone: "UTC"});
function weekday(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return weekdayFormat.format(new Date(Date.UTC(y, m - 1, d)));
}
function fillDays(list, days) {
  list.replaceChildren(...days.map(function (s) {
    const li = document.createElement("li");
    li.textContent = s.day + " " + weekday(s.day) + " " + s.name;
    return li;
  }));
}
form.addEventListener("submit", async function (event) {
  event.preventDefault();
  const params = new URLSearchParams({start: $("due-start").value, days: $("due-days").value});
  if ($("due-halve").checked) params.set("halve", "true");
  const error = $("due-error");
  show(error, false);
  try {
    const response = await fetch(form.action + "?" + params, {headers: {Accept: "application/json"}});
    const body = await response.json();
    if (!response.ok) {
      show($("due-result"), false);
      error.textContent = body.message || error.dataset.fallback;
      show(error, true);
      return;
    }
    $("due-date").textContent = body.due;
    $("due-weekday").textContent = weekday(body.due);
    $("due-counted").textContent = body.counted_days;
    $("due-unknown-years").textContent = body.unknown_years.join("、");
    show($("due-provisional"), body.provisional);
    fillDays($("due-skipped"), body.skipped);
    fillDays($("due-makeup"), body.makeup);
    show($("due-skipped-box"), body.skipped.length > 0);
    show($("due-makeup-box"), body.makeup.length > 0);
    show($("due-no-holidays"), body.skipped.length === 0);
    show($("due-result"), true);
  } catch (e) {
    error.textContent = error.dataset.fallback;
    show(error, true);
  }
});
