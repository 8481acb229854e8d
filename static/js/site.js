// Site-wide enhancements; every page works without them.
// Loaded in <head> (not deferred) so the "js" class is set before the header is drawn.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Header menu on small screens: the button shows and hides the navigation.
  const toggle = document.querySelector("[data-menu-toggle]");
  const nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && nav) {
    const setOpen = (open) => {
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    };
    toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  // Countdowns: the server writes "Voting closes in 2 days, 3 hours"; this keeps it current.
  // The label (translated on the server) carries %(time)s; Intl names the units.
  const countdowns = document.querySelectorAll("[data-countdown]");
  if (!countdowns.length || !("NumberFormat" in Intl)) return;
  const lang = document.documentElement.lang || "en";
  const units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  const format = (unit, n) => {
    try {
      return new Intl.NumberFormat(lang, { style: "unit", unit, unitDisplay: "long" }).format(n);
    } catch (error) {
      return `${n} ${unit}`;
    }
  };
  const describe = (seconds) => {
    const parts = [];
    for (const [unit, size] of units) {
      const n = Math.floor(seconds / size);
      if (n > 0 || (unit === "minute" && !parts.length)) parts.push(format(unit, n));
      seconds -= n * size;
      if (parts.length === 2) break;
    }
    return parts.join(", ");
  };
  const tick = () => {
    countdowns.forEach((el) => {
      // <p data-countdown data-countdown-label="Voting closes in %(time)s">text <time …></p>
      const time = el.querySelector("time[datetime]");
      const out = el.firstChild;
      const label = el.dataset.countdownLabel;
      if (!time || !out || out.nodeType !== Node.TEXT_NODE || !label) return;
      const seconds = Math.round((Date.parse(time.getAttribute("datetime")) - Date.now()) / 1000);
      if (seconds > 0) out.textContent = `${label.replace("%(time)s", describe(seconds))} `;
    });
  };
  tick();
  setInterval(tick, 30000);
});
