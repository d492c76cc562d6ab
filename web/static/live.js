// Live enhancements, a few lines of our own (every page is whole without them):
// - the search page's filters refresh the results as they change (fetched from the same GET
//   address the form would load), the count is announced by its status region, the focus stays
//   where it was, and the address bar follows, so Back and a bookmark still work;
// - the order form previews what the state pays, what you pay and the balance after, in a
//   polite live region, as the quantity is typed.

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function liveSearch(form) {
  const results = document.getElementById("search-results");
  const count = document.getElementById("search-count");
  if (!results || !count) return;
  let running = null;

  async function refresh() {
    const query = new URLSearchParams(new FormData(form));
    const url = form.getAttribute("action") + "?" + query.toString();
    if (running) running.abort();
    running = new AbortController();
    results.setAttribute("aria-busy", "true");
    try {
      const answer = await fetch(url, { headers: { accept: "text/html" }, signal: running.signal, credentials: "same-origin" });
      if (!answer.ok) return;
      const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
      const freshResults = fresh.getElementById("search-results");
      const freshCount = fresh.getElementById("search-count");
      if (!freshResults || !freshCount) return;
      results.replaceChildren(...freshResults.childNodes);
      // The form is never replaced (focus stays in it); only the facets' counts are updated.
      for (const label of fresh.querySelectorAll("form[data-live-search] label[for]")) {
        const mine = form.querySelector(`label[for="${CSS.escape(label.htmlFor)}"]`);
        if (mine && mine.textContent !== label.textContent) mine.textContent = label.textContent;
      }
      const heading = document.querySelector("main h1"), freshHeading = fresh.querySelector("main h1");
      if (heading && freshHeading) heading.textContent = freshHeading.textContent;
      document.title = fresh.title;
      count.textContent = freshCount.textContent;  // announced: the count is a status region
      history.replaceState(null, "", url);
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    } finally {
      results.removeAttribute("aria-busy");
    }
  }

  const typed = debounce(refresh, 500);
  form.addEventListener("change", (event) => { if (event.target.type !== "search" && event.target.type !== "text") refresh(); });
  form.addEventListener("input", (event) => { if (event.target.type === "search" || event.target.type === "text") typed(); });
}

function balancePreview(box) {
  const input = document.getElementById(box.dataset.for);
  if (!input) return;
  const locale = document.documentElement.lang === "en" ? "en-KZ" : document.documentElement.lang + "-KZ";
  const money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const tenge = (value) => money.format(value) + "\u00a0₸";
  const balance = Number(box.dataset.balance), state = Number(box.dataset.statePays), you = Number(box.dataset.youPay);

  function show() {
    const quantity = Number(input.value.trim().replace(/\s/g, "").replace(",", "."));
    let text;
    if (!input.value.trim() || !Number.isFinite(quantity) || quantity <= 0) {
      text = box.dataset.textEnter;
    } else if (quantity > balance) {
      text = box.dataset.textTooMany.replace("{left}", number.format(balance));
    } else {
      text = box.dataset.textPreview
        .replace("{quantity}", number.format(quantity))
        .replace("{state}", tenge(state * quantity))
        .replace("{you}", tenge(you * quantity))
        .replace("{left}", number.format(balance - quantity));
    }
    if (box.textContent !== text) box.textContent = text;
  }

  input.addEventListener("input", debounce(show, 300));
  show();
}

for (const form of document.querySelectorAll("form[data-live-search]")) liveSearch(form);
for (const box of document.querySelectorAll("[data-balance-preview]")) balancePreview(box);
