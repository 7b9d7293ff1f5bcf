// An audible call in Chinese where the browser allows it: speechSynthesis needs one click on the
// screen first (autoplay rules), after which every new call or recall is read out.
let voiceOn = false;
const latest = () => document.getElementById("board-latest");

function say(el) {
  if (!el || !("speechSynthesis" in window)) return;
  const u = new SpeechSynthesisUtterance(el.dataset.say);
  u.lang = "zh-CN";
  window.speechSynthesis.speak(u);
}

// The call already on the board when the page opens is not read out again.
let lastSpoken = latest() ? latest().dataset.event : "";

function speak() {
  const el = latest();
  if (!el || el.dataset.event === lastSpoken) return;
  lastSpoken = el.dataset.event;
  if (voiceOn) say(el);
}

document.getElementById("enable-voice").addEventListener("click", (e) => {
  voiceOn = true;
  e.target.textContent = e.target.dataset.onText;
  e.target.disabled = true;
  say(latest());
});
document.body.addEventListener("htmx:afterSwap", speak);
