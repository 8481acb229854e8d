// One-tap actions in place (with htmx), the share box and the entry lightbox. Every part
// works without JavaScript: forms post and redirect back to the card, links open images.
(function () {
  "use strict";
  var FRAGMENT = "X-Cocreo-Fragment";

  // htmx: a fragment from our views is swapped even when it carries an error status (the
  // refusal is shown where the member acted, nothing else changes). Anything else that is an
  // error (a CSRF failure, a server error) is not swapped into the button: a message is shown.
  function statusBox(elt) {
    var box = elt && elt.closest ? elt.closest("[data-vote-box], .follow, .support-box, .idea-card, .report-form, .comments, .share") : null;
    var status = box ? box.querySelector("[data-action-status]") : null;
    if (!status && box) {
      status = document.createElement("p");
      status.className = "action-status action-error";
      status.setAttribute("role", "status");
      status.setAttribute("data-action-status", "");
      box.appendChild(status);
    }
    return status;
  }

  function failed(elt) {
    var status = statusBox(elt);
    if (status) {
      status.classList.add("action-error");
      status.textContent = document.body.dataset.actionFailed || "Error";
    }
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.getResponseHeader(FRAGMENT)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    } else if (xhr.status >= 200 && xhr.status < 300 && !xhr.getResponseHeader("HX-Redirect")) {
      // not a fragment (e.g. a sign-in page after a redirect): go there instead
      event.detail.shouldSwap = false;
      window.location.href = xhr.responseURL || window.location.href;
    } else {
      event.detail.shouldSwap = false;
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    if (!event.detail.xhr.getResponseHeader(FRAGMENT)) failed(event.detail.elt);
  });
  document.addEventListener("htmx:sendError", function (event) { failed(event.detail.elt); });

  // Share box: copy the link, or hand it to the device's share sheet.
  function initShare(box) {
    var input = box.querySelector("[data-share-url]");
    var copy = box.querySelector("[data-copy]");
    var share = box.querySelector("[data-native-share]");
    var status = box.querySelector("[data-share-status]");
    if (!input) return;
    if (copy && navigator.clipboard && window.isSecureContext) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(input.value).then(function () {
          status.textContent = box.dataset.copied;
        }, function () {
          input.select();
          status.textContent = box.dataset.copyFailed;
        });
      });
    }
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: document.title, url: input.value }).catch(function () {});
      });
    }
  }

  // Lightbox: the entry's images in a <dialog>; arrows move, Esc closes, focus returns.
  function initLightbox(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll("a[data-lightbox-item]"));
    var dialog = document.querySelector("[data-lightbox]");
    if (!links.length || !dialog || typeof dialog.showModal !== "function") return;
    var img = dialog.querySelector("[data-lightbox-image]");
    var caption = dialog.querySelector("[data-lightbox-caption]");
    var prev = dialog.querySelector("[data-lightbox-prev]");
    var next = dialog.querySelector("[data-lightbox-next]");
    var close = dialog.querySelector("[data-lightbox-close]");
    var index = 0;
    var opener = null;

    function show(i) {
      index = (i + links.length) % links.length;
      var link = links[index];
      img.src = link.href;
      img.alt = link.dataset.alt || "";
      caption.textContent = (dialog.dataset.position || "{n} / {total}")
        .replace("{n}", index + 1).replace("{total}", links.length);
      prev.hidden = next.hidden = links.length < 2;
      dialog.dataset.index = String(index);
    }

    links.forEach(function (link, i) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        opener = link;
        show(i);
        dialog.showModal();
        close.focus();
      });
    });
    prev.addEventListener("click", function () { show(index - 1); });
    next.addEventListener("click", function () { show(index + 1); });
    close.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1); }
      else if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1); }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
    dialog.addEventListener("close", function () {
      img.removeAttribute("src");
      if (opener) opener.focus();
    });
  }

  function init() {
    document.querySelectorAll("[data-share-box]").forEach(initShare);
    document.querySelectorAll("[data-lightbox-gallery]").forEach(initLightbox);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
