/**
 * A certificate for people: a page (certificate.html) that says what was certified, against
 * what, where and with what outcome, and how to verify it; and a badge (badge.svg) for a
 * project's README, green when no case failed, red with the count otherwise.
 */
import type { Certificate } from './certificate.js';

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The badge: "qfc | conforming" or "qfc | N failing". */
export function renderBadge(certificate: Certificate): string {
  const { summary } = certificate;
  const failing = summary.fail + summary.error;
  const message = certificate.conforming ? `conforming ${certificate.suite.version}` : `${failing} failing`;
  const colour = certificate.conforming ? '#2e7d32' : '#c62828';
  // Widths from a fixed 7 px per character: no font metrics in a static file.
  const left = 34;
  const right = 10 + message.length * 7;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + right}" height="20" role="img" aria-label="qfc: ${esc(message)}">
<title>qfc: ${esc(message)}</title>
<rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${colour}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${left / 2}" y="14">qfc</text><text x="${left + right / 2}" y="14">${esc(message)}</text>
</g></svg>
`;
}

/** The certificate page. */
export function renderCertificatePage(certificate: Certificate): string {
  const { suite, implementation, machine, summary, signature } = certificate;
  const row = (label: string, value: string): string => `<tr><th>${esc(label)}</th><td>${value}</td></tr>`;
  const code = (text: string | null): string => (text === null ? '—' : `<code>${esc(text)}</code>`);
  const programs = implementation.programs.map((program) => `<tr><td><code>${esc(program.path)}</code></td><td><code>${esc(program.sha256)}</code></td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>qfc certificate: ${esc(implementation.name)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}th{text-align:left;padding-right:1rem;vertical-align:top}td code{word-break:break-all}.pass{color:#2e7d32}.fail{color:#c62828}table{border-collapse:collapse;margin-bottom:1.5rem}td,th{padding:.2rem .4rem;border-bottom:1px solid #ddd}</style></head>
<body>
<h1>qfc certificate: ${esc(implementation.name)}</h1>
<p class="${certificate.conforming ? 'pass' : 'fail'}" id="outcome"><strong>${certificate.conforming ? 'Conforming' : 'Not conforming'}</strong> — ${summary.total} cases: ${summary.pass} pass, ${summary.fail} fail, ${summary.nonStrict} non-strict, ${summary.info} info, ${summary.error} error, ${summary.skipped} skipped${certificate.strict ? ' (strict)' : ''}, on ${esc(certificate.date)}.</p>
<h2>Implementation</h2>
<table>${row('receiver', code(implementation.receiver))}${row('sender', code(implementation.sender))}${row('OpenInVM', code(implementation.openInVm))}${row('profile', esc(implementation.profile))}</table>
<h2>Program files (SHA-256)</h2>
<table id="programs">${programs || '<tr><td>none found</td></tr>'}</table>
<h2>Suite</h2>
<table>${row('suite', `${esc(suite.name)} ${esc(suite.version)}, contract ${suite.contract}`)}${row('catalogue', code(suite.catalogueDigest))}${row('corpus', code(suite.corpusDigest))}${row('results.json', code(certificate.results.sha256))}</table>
<h2>Machine</h2>
<table>${row('kernel', code(machine.kernel))}${row('bubblewrap', code(machine.bubblewrap))}${row('node', code(machine.node))}${row('arch', code(machine.arch))}${row('sandbox', esc(certificate.sandbox))}</table>
<h2>Signature</h2>
<p id="signature">${signature === undefined ? 'Not signed.' : `Ed25519, key <code>${esc(signature.keyId)}</code>.`} Verify with <code>qfc certificate verify certificate.json --public-key KEY.pem --results results.json</code>.</p>
</body></html>
`;
}
