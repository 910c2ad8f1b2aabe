// nav.js: the service's header navigation, one list for every page. To add a page, add one line to PAGES;
// every page that has <nav id="app-nav"> and loads this module shows it, the current page marked.
export const PAGES = [
  { href: '/', text: 'Case' },
  { href: '/lift.html', text: 'LIFT review' },
  { href: '/sen2.html', text: 'SEN2 return' },
  { href: '/accessibility.html', text: 'Accessibility' },
];

export function renderNav(nav = document.getElementById('app-nav'), path = location.pathname) {
  if (!nav) return;
  const here = path === '/index.html' ? '/' : path;
  const list = document.createElement('ul');
  list.className = 'app-header__nav-list';
  for (const p of PAGES) {
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.className = 'govuk-header__link';
    a.href = p.href;
    a.textContent = p.text;
    if (p.href === here) a.setAttribute('aria-current', 'page');
    li.append(a);
    list.append(li);
  }
  nav.replaceChildren(list);
}

renderNav();
