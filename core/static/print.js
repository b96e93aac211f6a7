// Print buttons ([data-print]) on the printable contract and 上户表 pages; kept out of
// the page itself so the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
