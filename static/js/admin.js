'use strict';
// Every admin page: names for the fields Django's admin and select2 draw without one (axe: label,
// select-name, aria-input-field-name): the search boxes take their form label, the fields in a
// tabular inline row their column heading.
{
    const setName = (element, name) => {
        if (element && name && !element.getAttribute('aria-label')) {
            element.setAttribute('aria-label', name);
        }
    };

    const nameSearchFields = (root) => {
        root.querySelectorAll('select.admin-autocomplete, select.goal-search').forEach((select) => {
            const container = select.nextElementSibling;
            const box = container && container.querySelector('.select2-selection');
            if (!box) {
                return;
            }
            const label = select.id && document.querySelector(`label[for="${select.id}"]`);
            const name = label ? label.textContent.replace(/:\s*$/, '').trim() : select.getAttribute('aria-label');
            setName(box, name);
            setName(box.querySelector('.select2-selection__rendered'), name);
        });
    };

    const nameInlineFields = (root) => {
        root.querySelectorAll('.tabular table').forEach((table) => {
            table.querySelectorAll('tbody td').forEach((cell) => {
                const field = cell.className.match(/field-(\S+)/);
                const header = field ? table.querySelector(`thead th.column-${field[1]}`)
                    : cell.classList.contains('delete') ? table.querySelector('thead th:last-child') : null;
                const name = header && header.textContent.trim();
                cell.querySelectorAll('input:not([type=hidden]), select, textarea').forEach((element) => {
                    if (!element.labels || !element.labels.length) {
                        setName(element, name);
                    }
                });
            });
        });
    };

    const nameAll = (root) => {
        nameInlineFields(root);
        nameSearchFields(root);
    };

    // Inline fields first: a search box in an inline row takes the name its select got.
    // With jQuery, after the admin's own ready handlers (select2 draws its boxes in them).
    if (window.django && window.django.jQuery) {
        window.django.jQuery(() => nameAll(document));
    } else {
        document.addEventListener('DOMContentLoaded', () => nameAll(document));
    }
    document.addEventListener('formset:added', (event) => window.setTimeout(() => nameAll(event.target)));
}
