/* Behaviour the pages ask for by data attributes, so that no page carries inline script and the
   Content-Security-Policy can forbid it (issue 11 #14).

   data-confirm="…"  on a button: asks before its form is sent; on a form: asks before it is sent.
   data-autosubmit   on a select: sends its form when the choice changes. */
"use strict";

document.addEventListener("click", function (event) {
  var button = event.target.closest("button[data-confirm], input[type=submit][data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

document.addEventListener("submit", function (event) {
  var form = event.target;
  // A button that asked already (above) needs no second question from its form.
  var asked = event.submitter && event.submitter.hasAttribute("data-confirm");
  if (form.hasAttribute("data-confirm") && !asked && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches("select[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});

/* The menus of the navigation bar (WAI-ARIA "disclosure navigation"): a button with aria-expanded
   opens the list of links it controls. Click, Enter or Space toggles; ArrowDown opens and moves to
   the first link; ArrowUp/ArrowDown/Home/End move between the links; Escape closes and returns to the
   button; a click elsewhere or the focus leaving the menu closes it. One menu is open at a time. */
document.documentElement.classList.add("js");

function menuOf(element) {
  return element.closest(".menu");
}

function setMenuOpen(menu, open) {
  var button = menu.querySelector("[data-menu-button]");
  menu.classList.toggle("open", open);
  button.setAttribute("aria-expanded", open ? "true" : "false");
}

function closeMenus(except) {
  document.querySelectorAll(".menu.open").forEach(function (menu) {
    if (menu !== except) {
      setMenuOpen(menu, false);
    }
  });
}

function menuLinks(menu) {
  return Array.prototype.slice.call(menu.querySelectorAll(".menu-list a, .menu-list button"));
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-menu-button]");
  if (button) {
    var menu = menuOf(button);
    var open = !menu.classList.contains("open");
    closeMenus(menu);
    setMenuOpen(menu, open);
    return;
  }
  if (!event.target.closest(".menu")) {
    closeMenus(null);
  }
});

document.addEventListener("keydown", function (event) {
  var menu = menuOf(event.target);
  if (!menu || !menu.querySelector("[data-menu-button]")) {
    return;
  }
  var button = menu.querySelector("[data-menu-button]");
  var links = menuLinks(menu);
  var index = links.indexOf(event.target);
  var target = null;
  if (event.key === "Escape" && menu.classList.contains("open")) {
    setMenuOpen(menu, false);
    button.focus();
    event.preventDefault();
    return;
  }
  if (event.target === button && event.key === "ArrowDown") {
    closeMenus(menu);
    setMenuOpen(menu, true);
    target = links[0];
  } else if (index >= 0 && event.key === "ArrowDown") {
    target = links[(index + 1) % links.length];
  } else if (index >= 0 && event.key === "ArrowUp") {
    target = links[(index - 1 + links.length) % links.length];
  } else if (index >= 0 && event.key === "Home") {
    target = links[0];
  } else if (index >= 0 && event.key === "End") {
    target = links[links.length - 1];
  }
  if (target) {
    target.focus();
    event.preventDefault();
  }
});

document.addEventListener("focusout", function (event) {
  var menu = menuOf(event.target);
  if (menu && menu.classList.contains("open") && !(event.relatedTarget && menu.contains(event.relatedTarget))) {
    setMenuOpen(menu, false);
  }
});
