/**
 * Builds elements from text only (textContent, never innerHTML): product and producer names come
 * from producers' own input and must not become markup.
 */
type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/**
 * A table with a header row; cells are text or elements. On a phone it scrolls sideways in its box,
 * which therefore takes the keyboard's focus: arrow keys scroll it where there is no link to tab to.
 */
export function table(
  headers: string[],
  rows: Child[][],
  attributes: Record<string, string> = {},
): HTMLElement {
  return el(
    'div',
    { class: 'table-wrap', tabindex: '0' },
    el(
      'table',
      attributes,
      el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
      el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))),
    ),
  );
}

/** A section card with a bilingual title. */
export function card(title: string, english: string, ...children: Child[]): HTMLElement {
  return el('section', { class: 'card' }, el('h2', {}, title, ' ', el('small', {}, english)), ...children);
}

export function kpi(label: string, value: string, name: string): HTMLElement {
  return el(
    'div',
    { class: 'kpi', 'data-kpi': name },
    el('span', { class: 'kpi-label' }, label),
    el('strong', {}, value),
  );
}

/** A card that spans the whole report grid (a table with many columns). */
export function wide(section: HTMLElement): HTMLElement {
  section.classList.add('card-wide');
  return section;
}
