// Keyboard shortcuts of the moderation review page (a approve, r reason, n skip, 1-9 reject
// with a reason, Ctrl+Enter in the reason rejects).
(function () {
  var form = document.getElementById("decision-form");
  var decision = document.getElementById("decision-input");
  var reasonSelect = document.getElementById("reason-select");
  var reasonText = document.getElementById("reason-text");
  var sent = false;
  function submit(value) {
    if (sent) return;
    sent = true;
    decision.value = value;
    form.submit();
  }
  form.querySelectorAll("button[data-decision]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      submit(button.dataset.decision);
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.metaKey) return;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing) {
      if (event.target === reasonText && event.key === "Enter" && event.ctrlKey) {
        event.preventDefault();
        submit("reject");
      } else if (event.key === "Escape") {
        event.target.blur();
      }
      return;
    }
    if (event.ctrlKey) return;
    if (event.key === "a") {
      event.preventDefault();
      submit("approve");
    } else if (event.key === "r") {
      event.preventDefault();
      reasonText.focus();
    } else if (event.key === "n" || event.key === "j") {
      event.preventDefault();
      window.location.href = document.getElementById("skip-link").href;
    } else if (/^[1-9]$/.test(event.key)) {
      var option = reasonSelect.querySelector('option[data-key="' + event.key + '"]');
      if (option) {
        event.preventDefault();
        reasonSelect.value = option.value;
        submit("reject");
      }
    }
  });
})();
