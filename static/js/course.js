// Course workspace: a Print button on the printable documents. Without this script the
// browser's own print command does the same; print styles are in course.css.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
