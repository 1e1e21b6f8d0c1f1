/* 大字 (large text) and 高对比 (high contrast): the reader's choice, kept in
 * localStorage so every page of the site opens the way they left it.
 *
 * Loaded without defer in <head>: the classes go onto <html> before the first
 * paint, so a page never flashes in the other mode. The switch's buttons are
 * wired once the page is parsed; without this script they stay hidden and the
 * site shows its normal look. No inline code anywhere (the CSP allows none).
 */
(function () {
  'use strict';

  const KEY = 'reading-modes'; // localStorage: the modes in force, space separated
  const MODES = ['large', 'contrast'];
  const root = document.documentElement;

  function load() {
    try {
      return (window.localStorage.getItem(KEY) || '').split(' ')
        .filter(function (m) { return MODES.indexOf(m) >= 0; });
    } catch (e) { // storage refused (private mode, policy): this page only
      return [];
    }
  }

  function save(modes) {
    try {
      window.localStorage.setItem(KEY, modes.join(' '));
    } catch (e) {
      // the choice still holds on this page
    }
  }

  function apply(modes) {
    MODES.forEach(function (m) {
      root.classList.toggle('reading-' + m, modes.indexOf(m) >= 0);
    });
  }

  function current() { // what the page shows, even when storage is refused
    return MODES.filter(function (m) { return root.classList.contains('reading-' + m); });
  }

  function wire() {
    const group = document.querySelector('.reading-switch');
    if (!group) {
      return;
    }
    const buttons = group.querySelectorAll('[data-reading]');
    function show(modes) {
      buttons.forEach(function (b) {
        b.setAttribute('aria-pressed', String(modes.indexOf(b.dataset.reading) >= 0));
      });
    }
    buttons.forEach(function (b) {
      b.addEventListener('click', function () {
        const modes = current().filter(function (m) { return m !== b.dataset.reading; });
        if (b.getAttribute('aria-pressed') !== 'true') {
          modes.push(b.dataset.reading);
        }
        save(modes);
        apply(modes);
        show(modes);
      });
    });
    show(current());
    group.hidden = false;
  }

  apply(load());
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', wire);
  } else {
    wire();
  }
})();
