/* Order form: show fields whose condition holds, and keep the quote up to date.
   Progressive enhancement: without this script every field shows and the
   "计算报价 / calculate quote" button posts the form for a quote. */
(function () {
  "use strict";
  var form = document.getElementById("order-form");
  if (!form) { return; }
  var box = document.getElementById("quote-box");
  var url = form.getAttribute("data-quote-url");
  var token = (form.querySelector("input[name=csrf_token]") || {}).value;
  var timer = null;
  var seq = 0;

  function valueOf(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var values = [];
    inputs.forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      values.push(el.type === "checkbox" && el.value === "on" ? "true" : el.value);
    });
    if (inputs.length === 1 && inputs[0].type === "checkbox" && values.length === 0) { return ["false"]; }
    return values;
  }

  function applyConditions() {
    form.querySelectorAll("[data-depends-on]").forEach(function (el) {
      var wanted = el.getAttribute("data-depends-values").split(",");
      var shown = valueOf(el.getAttribute("data-depends-on")).some(function (v) {
        return wanted.indexOf(v) !== -1;
      });
      el.hidden = !shown;
    });
  }

  function refreshQuote() {
    if (!url || !box) { return; }
    var mine = ++seq;
    box.classList.add("loading");
    fetch(url, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-CSRFToken": token, "X-Requested-With": "fetch"}
    }).then(function (resp) { return resp.text(); }).then(function (html) {
      if (mine !== seq) { return; }  // a newer request is on its way
      box.innerHTML = html;
      box.classList.remove("loading");
      box.setAttribute("data-updates", String(mine));
    }).catch(function () { box.classList.remove("loading"); });
  }

  function changed(event) {
    if (!event.target.name || event.target.name.indexOf("intake.") !== 0) { return; }
    applyConditions();
    clearTimeout(timer);
    timer = setTimeout(refreshQuote, 250);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  applyConditions();
})();

/* Customer picker of the new-order form: typing a name or phone (2+ characters) asks the
   server and refills the customer list; without this script the search form reloads the
   page with the same result. The new-customer link carries what was typed. */
(function () {
  "use strict";
  var search = document.getElementById("customer-search");
  var select = document.getElementById("f-customer_id");
  if (!search || !select) { return; }
  var input = document.getElementById("f-customer_q");
  var status = document.getElementById("picker-status");
  var create = document.getElementById("new-customer");
  var url = search.getAttribute("data-picker-url");
  var timer = null;
  var seq = 0;

  function fill(items) {
    var chosen = select.value;
    while (select.options.length > 1) { select.remove(1); }
    items.forEach(function (c) {
      var opt = document.createElement("option");
      opt.value = String(c.id);
      opt.textContent = c.mobile ? c.name + " · " + c.mobile : c.name;
      select.appendChild(opt);
    });
    if (items.length === 1) { select.value = String(items[0].id); }
    else if (chosen) { select.value = chosen; }
    status.textContent = (status.getAttribute("data-found") || "%n").replace("%n", items.length);
  }

  function ask() {
    var q = input.value.trim();
    if (create) {
      create.href = create.getAttribute("data-base") + (q ? "&q=" + encodeURIComponent(q) : "");
    }
    if (q.length < 2) { return; }
    var mine = ++seq;
    fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin",
                                                headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (body) { if (mine === seq) { fill(body.items || []); } });
  }

  search.addEventListener("submit", function (e) { e.preventDefault(); ask(); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 200);
  });
}());

/* Order page: sections the order's state does not need are folded in closed <details>;
   a link to an anchor inside one (#contracts, #period, #payment-form…) opens it first. */
(function () {
  "use strict";
  if (!document.querySelector("details.fold")) { return; }

  function reveal(hash) {
    if (!hash || hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) { return; }
    var opened = false;
    var box = target.closest("details");
    while (box) {
      if (!box.open) { box.open = true; opened = true; }
      box = box.parentElement ? box.parentElement.closest("details") : null;
    }
    if (opened) { target.scrollIntoView(); }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href*='#']") : null;
    if (link && link.pathname === location.pathname && link.search === location.search) {
      reveal(link.hash);
    }
  });
  window.addEventListener("hashchange", function () { reveal(location.hash); });
  reveal(location.hash);
}());
