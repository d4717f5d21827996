// chainbreaker web UI: the little JavaScript the pages need. Served from the package, no CDN,
// no inline handlers (the Content-Security-Policy allows scripts from 'self' only).
"use strict";

// Ask before a form does something that cannot be undone (data-confirm="question").
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// Follow a background screening job: <section data-job-url="/api/v1/screening/jobs/ID">.
function followJob(section) {
  var url = section.getAttribute("data-job-url");
  var bar = section.querySelector("progress");
  var text = section.querySelector("[data-job-status]");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
        if (text) { text.textContent = job.status + " — " + job.done + " of " + (job.total || "?") + " names"; }
        if (job.status === "finished" || job.status === "failed") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
}

document.addEventListener("DOMContentLoaded", function () {
  var jobs = document.querySelectorAll("[data-job-url][data-job-running]");
  for (var i = 0; i < jobs.length; i++) { followJob(jobs[i]); }
});
