// Tailor dashboard: the only script, served from /assets (the page policy allows no inline script).
// Two progressive enhancements; every page works without them:
//  - live segment sizes over the Server-Sent Events membership stream (/live/memberships);
//  - the visual rule builder, which writes the rule's text form into the rule field (the text stays the source of truth),
//    and shows the rows the server read back from the text (data-conditions) when the builder can express the rule.
'use strict'

function liveSizes() {
  const cells = document.querySelectorAll('[data-segment-size]')
  if (cells.length === 0 || !window.EventSource) return
  const dot = document.querySelector('[data-live-state]')
  const source = new EventSource('/live/memberships')
  let behind = false // sizes stay stale after missed changes, even once the stream reconnects
  const showBehind = () => { if (dot) { dot.dataset.state = 'behind'; dot.title = 'Some changes were missed: reload for exact sizes' } }
  source.addEventListener('open', () => { if (behind) showBehind(); else if (dot) { dot.dataset.state = 'open'; dot.title = 'Live' } })
  source.addEventListener('error', () => { if (dot) { dot.dataset.state = 'closed'; dot.title = 'Reconnecting' } })
  const change = delta => e => {
    const notice = JSON.parse(e.data)
    for (const cell of document.querySelectorAll(`[data-segment-size="${CSS.escape(notice.segmentId)}"]`)) {
      const size = Number(cell.dataset.value) + delta
      cell.dataset.value = String(size)
      cell.textContent = size.toLocaleString('en')
    }
  }
  source.addEventListener('entered', change(1))
  source.addEventListener('exited', change(-1))
  // The stream dropped notices this page was too slow for: the sizes shown are behind until it is reloaded.
  source.addEventListener('missed', () => { behind = true; showBehind() })
}

const keywords = new Set(['and', 'or', 'not', 'trait', 'computed', 'performed', 'with', 'in', 'last', 'since', 'within', 'segment', 'has',
  'consent', 'tag', 'for', 'some', 'exists', 'contains', 'starts', 'between', 'true', 'false', 'at', 'least', 'most', 'times', 'time'])
const quote = s => '"' + String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'
const path = s => /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) && !keywords.has(s.toLowerCase()) ? s : quote(s)
const value = s => /^-?\d+(\.\d+)?$/.test(s) || s === 'true' || s === 'false' ? s : quote(s)

// Each kind of condition: its fields, and the text it writes (docs/rules.md).
const kinds = {
  trait: { label: 'Trait', fields: [['name', 'trait name'], ['op', 'comparison', ['=', '!=', '>', '>=', '<', '<=', 'contains', 'exists']], ['value', 'value']],
    text: f => `trait ${path(f.name)} ${f.op === 'exists' ? 'exists' : f.op + ' ' + value(f.value)}` },
  performed: { label: 'Performed', fields: [['event', 'event name'], ['times', 'at least (times)', null, 'short'], ['days', 'in last (days)', null, 'short']],
    text: f => `performed ${quote(f.event)}${f.times ? ` at least ${Number(f.times)} times` : ''}${f.days ? ` in last ${Number(f.days)} days` : ''}` },
  notPerformed: { label: 'Did not perform', fields: [['event', 'event name'], ['days', 'in last (days)', null, 'short']],
    text: f => `not performed ${quote(f.event)}${f.days ? ` in last ${Number(f.days)} days` : ''}` },
  segment: { label: 'In segment', fields: [['name', 'segment name']], text: f => `in segment ${quote(f.name)}` },
  tag: { label: 'Has tag', fields: [['name', 'tag']], text: f => `has tag ${path(f.name)}` },
  consent: { label: 'Has consent', fields: [['name', 'purpose']], text: f => `has consent ${path(f.name)}` },
}

function element(tag, attributes = {}, children = []) {
  const e = document.createElement(tag)
  for (const [k, v] of Object.entries(attributes)) if (v !== null && v !== undefined) e.setAttribute(k, v)
  for (const c of children) e.append(c)
  return e
}

function ruleBuilder(root) {
  const target = document.getElementById(root.dataset.target)
  const list = element('div', { class: 'conditions' })
  const join = element('select', { 'aria-label': 'Combine conditions' }, [element('option', { value: 'and' }, ['all of']), element('option', { value: 'or' }, ['any of'])])
  const addKind = element('select', { 'aria-label': 'Kind of condition to add' }, Object.entries(kinds).map(([k, d]) => element('option', { value: k }, [d.label])))
  const add = element('button', { type: 'button' }, ['Add condition'])
  const write = element('button', { type: 'button', class: 'primary', 'data-builder-write': '' }, ['Write rule text'])
  const status = element('p', { class: 'muted', 'aria-live': 'polite' })

  function addCondition(kind, values) {
    const d = kinds[kind]
    const row = element('div', { class: 'condition', 'data-kind': kind }, [element('strong', {}, [d.label])])
    for (const [name, label, options, size] of d.fields) {
      const input = options
        ? element('select', { 'aria-label': label, 'data-field': name }, options.map(o => element('option', { value: o }, [o])))
        : element('input', { 'aria-label': label, placeholder: label, 'data-field': name, class: size ?? null, inputmode: size ? 'numeric' : null })
      if (values && values[name] !== undefined) input.value = values[name]
      row.append(input)
    }
    const remove = element('button', { type: 'button', 'aria-label': `Remove ${d.label} condition` }, ['×'])
    remove.addEventListener('click', () => row.remove())
    row.append(remove)
    list.append(row)
    if (!values) row.querySelector('input, select')?.focus()
  }

  add.addEventListener('click', () => addCondition(addKind.value))
  write.addEventListener('click', () => {
    const parts = []
    for (const row of list.querySelectorAll('.condition')) {
      const fields = Object.fromEntries([...row.querySelectorAll('[data-field]')].map(i => [i.dataset.field, i.value.trim()]))
      parts.push(kinds[row.dataset.kind].text(fields))
    }
    if (parts.length === 0) { status.textContent = 'Add a condition first.'; return }
    target.value = parts.length === 1 ? parts[0] : parts.map(p => p.startsWith('not ') || join.value === 'and' ? p : `(${p})`).join(`\n  ${join.value} `)
    status.textContent = 'The rule text was written; preview it to check it.'
    target.focus()
  })

  root.append(element('div', { class: 'row' }, [element('span', {}, ['Match ']), join, addKind, add]), list, element('div', { class: 'actions' }, [write]), status)
  root.hidden = false

  // The rule text read back by the server's parser ("Load text into builder", or an existing segment's rule).
  if (root.dataset.conditions) {
    const state = JSON.parse(root.dataset.conditions)
    join.value = state.join
    for (const c of state.conditions) if (kinds[c.kind]) addCondition(c.kind, c.fields)
  }
}

function confirmations() {
  for (const form of document.querySelectorAll('form[data-confirm]'))
    form.addEventListener('submit', e => { if (!window.confirm(form.dataset.confirm)) e.preventDefault() })
}

document.addEventListener('DOMContentLoaded', () => {
  liveSizes()
  for (const root of document.querySelectorAll('[data-rule-builder]')) ruleBuilder(root)
  confirmations()
})
