// The inspector's only script: keeps the list of exchanges live from the server's event stream.
// Every value is set with textContent, never parsed as HTML: what a client sent stays text.
/* global document, EventSource */
const table = document.querySelector('#exchanges tbody');
const live = document.getElementById('live');
const KEEP = 200;

function cell(row, text) {
  const td = row.insertCell();
  td.textContent = String(text);
  return td;
}

function addRow(summary) {
  const row = document.createElement('tr');
  row.className = 'new';
  const link = document.createElement('a');
  link.href = `/x/${Number(summary.id)}`;
  link.textContent = `#${Number(summary.id)}`;
  row.insertCell().append(link);
  cell(row, summary.time);
  cell(row, summary.app);
  cell(row, summary.method);
  cell(row, summary.target).className = 'target';
  cell(row, summary.status);
  cell(row, summary.ms);
  table.prepend(row);
  while (table.rows.length > KEEP) table.deleteRow(-1);
}

if (table !== null) {
  const seen = new Set([...table.querySelectorAll('a')].map((a) => a.getAttribute('href')));
  const events = new EventSource('/events');
  events.addEventListener('open', () => {
    live.dataset.state = 'live';
    live.textContent =
      'Live: the last 200 exchanges, newest first; new ones appear as they happen.';
  });
  events.addEventListener('error', () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'Connection to the server lost; reconnecting…';
  });
  events.addEventListener('exchange', (event) => {
    const summary = JSON.parse(event.data);
    if (seen.has(`/x/${Number(summary.id)}`)) return; // already rendered by the server
    addRow(summary);
  });
}
