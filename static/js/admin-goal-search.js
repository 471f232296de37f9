'use strict';
// The admin's goal choosers: select2 searching the server, sending what the
// form says now (level, periods, position), so only goals that fit are offered.
{
    const $ = django.jQuery;
    const fieldValue = (form, name) => {
        const field = form && form.elements[name];
        return field ? field.value : '';
    };

    $.fn.goalSearch = function() {
        $.each(this, function(i, element) {
            $(element).select2({
                ajax: {
                    data: (params) => ({
                        term: params.term || '',
                        page: params.page || 1,
                        goal: element.dataset.goal || '',
                        level: fieldValue(element.form, 'level'),
                        period: fieldValue(element.form, 'period'),
                        until_period: fieldValue(element.form, 'until_period'),
                        position: fieldValue(element.form, 'treebeard_position')
                    })
                }
            });
            // select2 leaves its box without the field's name; give it the label's.
            const label = element.id && document.querySelector(`label[for="${element.id}"]`);
            const name = label ? label.textContent.replace(/:\s*$/, '').trim() : element.getAttribute('aria-label');
            const box = element.nextElementSibling && element.nextElementSibling.querySelector('.select2-selection');
            if (box && name) {
                box.setAttribute('aria-label', name);
                box.querySelector('.select2-selection__rendered').setAttribute('aria-label', name);
            }
        });
        return this;
    };

    $(function() {
        $('.goal-search').not('[name*=__prefix__]').goalSearch();
    });

    document.addEventListener('formset:added', (event) => {
        $(event.target).find('.goal-search').goalSearch();
    });
}
