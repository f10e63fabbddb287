'use strict';
// The dashboard's login: the token is posted once; the server answers with a session cookie
// (HttpOnly, SameSite=Strict) that the dashboard's API calls carry.
const $ = (id) => document.getElementById(id);

function next() {
  const target = new URLSearchParams(window.location.search).get('next') || '/';
  // Only a path of this server, never another site.
  return target.startsWith('/') && !target.startsWith('//') ? target : '/';
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').textContent = '';
  document.body.dataset.state = 'loading';
  const response = await fetch('/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: $('token').value }),
  });
  if (response.ok) {
    window.location.assign(next());
    return;
  }
  const body = await response.json();
  $('error').textContent = body.error;
  document.body.dataset.state = 'ready';
});
