/* Suggestions under the search box: a WAI-ARIA combobox over /api/suggest.
 *
 * Progressive enhancement: without this script (or without fetch) the box
 * is a plain search field and the form submits as before. Suggestion texts
 * come from the index, so they are only ever set with textContent.
 */
(function () {
  'use strict';

  const DELAY = 120; // ms of quiet typing before asking the server
  const LABELS = { title: '文章' }; // small tag after a suggestion of that kind

  const input = document.getElementById('q');
  if (!input || !input.form || !input.dataset.suggestUrl ||
      !window.fetch || !window.AbortController) {
    return;
  }
  const form = input.form;
  const list = document.createElement('ul');
  list.id = input.id + '-suggestions';
  list.className = 'suggestions';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', '搜索建议');
  list.hidden = true;
  form.appendChild(list);
  form.classList.add('has-suggestions');

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');

  let typed = input.value; // what the user typed; the box shows a highlighted option instead
  let texts = []; // texts of the options shown
  let active = -1; // index of the highlighted option, -1 for none
  let timer = 0;
  let controller = null;
  let ticket = 0; // answers to an older request are ignored

  function cancel() {
    clearTimeout(timer);
    ticket += 1;
    if (controller) {
      controller.abort();
      controller = null;
    }
  }

  function close() {
    list.hidden = true;
    list.textContent = '';
    texts = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function render(suggestions) {
    close();
    suggestions.forEach(function (suggestion, i) {
      const option = document.createElement('li');
      const kind = String(suggestion.kind || 'word').replace(/[^a-z]/g, '');
      option.id = input.id + '-suggestion-' + i;
      option.className = 'suggestion suggestion-' + kind;
      option.setAttribute('role', 'option');
      const text = document.createElement('span');
      text.className = 'suggestion-text';
      text.textContent = suggestion.text;
      option.appendChild(text);
      if (LABELS[kind]) {
        const label = document.createElement('span');
        label.className = 'suggestion-kind';
        label.textContent = LABELS[kind];
        option.appendChild(label);
      }
      list.appendChild(option);
      texts.push(suggestion.text);
    });
    if (texts.length) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }
  }

  function load(query) {
    cancel();
    const mine = ticket;
    const url = new URL(input.dataset.suggestUrl, document.baseURI);
    url.searchParams.set('q', query);
    controller = new AbortController();
    fetch(url.href, {
      signal: controller.signal,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('suggest: HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (mine !== ticket || document.activeElement !== input) {
          return;
        }
        const found = data && Array.isArray(data.suggestions) ? data.suggestions : [];
        // as many as the server's SUGGEST_LIMIT gives
        render(found.filter(function (s) {
          return s && typeof s.text === 'string' && s.text;
        }));
      })
      .catch(function () {
        if (mine === ticket) {
          close(); // no suggestions; the search itself still works
        }
      });
  }

  function highlight(index) {
    const options = list.children;
    if (active >= 0 && options[active]) {
      options[active].classList.remove('active');
      options[active].removeAttribute('aria-selected');
    }
    active = index;
    if (index < 0) {
      input.removeAttribute('aria-activedescendant');
      input.value = typed;
      return;
    }
    options[index].classList.add('active');
    options[index].setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', options[index].id);
    input.value = texts[index];
  }

  function choose(index) {
    input.value = texts[index];
    typed = input.value;
    cancel();
    close();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  input.addEventListener('input', function () {
    typed = input.value;
    cancel();
    if (active >= 0) {
      highlight(-1);
    }
    if (!typed.trim()) {
      close();
      return;
    }
    timer = setTimeout(load, DELAY, typed);
  });

  input.addEventListener('keydown', function (event) {
    if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) {
      return; // keys for the input method or the browser
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (list.hidden) {
        if (input.value.trim()) {
          typed = input.value;
          load(typed);
        }
        return;
      }
      cancel();
      // Like the big search engines: past either end, back to what was typed.
      let next = active + (event.key === 'ArrowDown' ? 1 : -1);
      if (next >= texts.length) {
        next = -1;
      } else if (next < -1) {
        next = texts.length - 1;
      }
      highlight(next);
    } else if (event.key === 'Escape') {
      if (!list.hidden) {
        event.preventDefault(); // a search field would also clear itself
        cancel();
        highlight(-1);
        close();
      }
    } else if (event.key === 'Enter') {
      if (active >= 0) {
        event.preventDefault();
        choose(active);
      } else {
        cancel();
        close(); // the form submits what was typed
      }
    }
  });

  input.addEventListener('blur', function () {
    cancel();
    close();
  });

  // Keep the focus in the box, so its blur does not close the list first.
  list.addEventListener('mousedown', function (event) {
    event.preventDefault();
  });

  list.addEventListener('click', function (event) {
    const option = event.target.closest('[role="option"]');
    if (option && option.parentNode === list) {
      choose(Array.prototype.indexOf.call(list.children, option));
    }
  });

  // Coming back to the page from the history: no stale list.
  window.addEventListener('pageshow', function () {
    cancel();
    close();
    typed = input.value;
  });
})();
