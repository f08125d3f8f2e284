// Overview: filter, search, sort and page without a full reload (the server does the work; plain
// links and the form keep working without JavaScript).
"use strict";
(function () {
  const form = document.getElementById("filters");
  if (!form || !window.fetch || !window.DOMParser) return;
  let timer = null;
  let pending = null;

  function urlOf() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) {
      if (value !== "") params.set(key, String(value));
    }
    if (params.get("sort") === "supporters" && params.get("desc") === "1") {
      params.delete("sort");  // the default order, as the server writes its links
      params.delete("desc");
    }
    const query = params.toString();
    return "/" + (query ? "?" + query : "");
  }

  async function load(url, push) {
    if (pending) pending.abort();
    pending = new AbortController();
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" }, signal: pending.signal });
      if (!response.ok) { window.location.href = url; return; }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("results");
      const current = document.getElementById("results");
      if (!fresh || !current) { window.location.href = url; return; }
      current.replaceWith(document.importNode(fresh, true));
      for (const name of ["sort", "desc"]) {
        const field = page.querySelector('#filters [name="' + name + '"]');
        if (field && form.elements[name]) form.elements[name].value = field.value;
      }
      if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
    } catch (error) {
      if (error.name !== "AbortError") window.location.href = url;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(urlOf(), true);
  });
  form.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") load(urlOf(), true);
  });
  form.addEventListener("input", function (event) {
    if (event.target.name !== "q") return;
    clearTimeout(timer);
    timer = setTimeout(function () { load(urlOf(), false); }, 250);
  });
  document.addEventListener("click", function (event) {
    const link = event.target.closest ? event.target.closest("#results a") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const href = link.getAttribute("href") || "";
    if (href.startsWith("/?") || href === "/") {
      event.preventDefault();
      load(href, true);
    }
  });
  window.addEventListener("popstate", function () { window.location.reload(); });
})();
