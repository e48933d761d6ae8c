// First-run setup: the workspace starts on the first owner's own clock. Without this script the
// hidden field keeps UTC, which Settings can change later.
for (const field of document.querySelectorAll('input[data-browser-time-zone]')) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  if (zone) field.value = zone
}
