// Copy buttons: <button data-copy-target="element-id">. Served from /assets (the CSP forbids inline script).
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy-target]');
  if (!button) {
    return;
  }
  const input = document.getElementById(button.dataset.copyTarget);
  if (!input) {
    return;
  }
  try {
    await navigator.clipboard.writeText(input.value);
  } catch {
    input.select();
    document.execCommand('copy');
  }
  const label = button.textContent;
  button.textContent = 'Copied';
  setTimeout(() => { button.textContent = label; }, 1500);
});
