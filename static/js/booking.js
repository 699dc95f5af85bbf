// Booking page: show the free times in the visitor's own time zone. Without this script
// the page shows the therapist's zone and the visitor picks theirs from the list. Only on
// a first look (the form carries data-detect): never over a zone the visitor chose or a
// form they are filling in.
(function () {
  "use strict";
  var select = document.querySelector("form[data-detect] select[data-detect-time-zone]");
  if (!select || new URLSearchParams(window.location.search).has("tz")) {
    return;
  }
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone || zone === select.value) {
    return;
  }
  var known = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (known) {
    select.value = zone;
    select.form.submit();
  }
})();
