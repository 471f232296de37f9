/* The goal tree as a WAI-ARIA disclosure list: each toggle is a real <button>
   with aria-expanded and aria-controls. Without JavaScript the same buttons
   submit the tree's GET form, so the server renders the branch opened. */
(function () {
  "use strict";

  function setOpen(button, list, open) {
    list.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function load(button, list, tree) {
    var url = tree.dataset.childrenBase + button.value + "/children/?" + tree.dataset.childrenQuery;
    button.setAttribute("aria-busy", "true");
    list.setAttribute("aria-busy", "true");
    return htmx.ajax("GET", url, { target: list, swap: "innerHTML" }).then(function () {
      button.removeAttribute("aria-busy");
      list.removeAttribute("aria-busy");
      if (!list.querySelector("li")) {
        // The request failed or came back empty: fall back to the plain link.
        window.location.href = url;
        return;
      }
      list.setAttribute("data-loaded", "");
      setOpen(button, list, true);
    }).catch(function () {
      window.location.href = url;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("form.tree button.toggle");
    if (!button || typeof htmx === "undefined") {
      return;
    }
    event.preventDefault();
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list || button.getAttribute("aria-busy") === "true") {
      return;
    }
    if (button.getAttribute("aria-expanded") === "true") {
      setOpen(button, list, false);
    } else if (list.hasAttribute("data-loaded")) {
      setOpen(button, list, true);
    } else {
      load(button, list, button.closest("form.tree"));
    }
  });
})();

/* The header's menu on a phone: with JavaScript the menu folds behind one button
   (CSS shows the button only on a narrow screen); without it the menu stays open. */
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!toggle || !menu) {
    return;
  }
  toggle.hidden = false;
  toggle.closest(".site-header").classList.add("menu-folds");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
  });
})();
