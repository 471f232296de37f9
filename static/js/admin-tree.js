'use strict';
// The goal tree in the admin: treebeard's lazy tree (treebeard/static/treebeard/treebeard-admin.js, 7.0)
// with what its users missed: toggles with accessible names, the drag hint in the page's language and
// inside the screen, and the open branches and scroll position kept across the reload after a save,
// drop or move, so the goal just moved and its message stay in view.
(function ($) {
    const MOVE_NODE_ENDPOINT = 'move/';
    const GET_CHILDREN_ENDPOINT = 'children/';
    const CSRF_TOKEN = document.currentScript.dataset.csrftoken;
    const TEXT = JSON.parse(document.getElementById('tree-texts').textContent);
    // One memory per list and period: another period's branches are other goals.
    const MEMORY_KEY = 'goal-tree:' + window.location.pathname + ':' +
        (new URLSearchParams(window.location.search).get('valid_in') || '');

    const memory = {
        read() {
            try {
                return JSON.parse(window.sessionStorage.getItem(MEMORY_KEY)) || {open: [], scroll: 0};
            } catch (error) {
                return {open: [], scroll: 0};
            }
        },
        write(state) {
            try {
                window.sessionStorage.setItem(MEMORY_KEY, JSON.stringify(state));
            } catch (error) { /* private mode: the tree simply starts closed */ }
        },
        openIds() {
            return $('#result_list button.treebeard-collapse.treebeard-expanded').closest('tr')
                .map((i, row) => String($(row).data('node-id'))).get();
        },
        save() {
            this.write({open: this.openIds(), scroll: window.scrollY});
        }
    };

    const fill = (template, title) => template.replace('%(title)s', title);

    class Node {
        constructor(elem) {
            this.$elem = $(elem);
            this.id = this.$elem.data('node-id');
            this.childrenLoaded = Boolean(this.$elem.data('children-loaded'));
            this.$toggle = this.$elem.find('button.treebeard-collapse');
        }

        title() {
            return this.$elem.find('th a, td a').not('.treebeard-collapse').first().text().trim();
        }

        isCollapsed() {
            return this.$toggle.hasClass('treebeard-collapsed');
        }

        children() {
            return $('tr[data-parent-id="' + this.id + '"]');
        }

        mark(expanded) {
            this.$toggle.removeClass('treebeard-collapsed treebeard-expanded treebeard-loading')
                .addClass(expanded ? 'treebeard-expanded' : 'treebeard-collapsed')
                .attr('aria-expanded', String(expanded))
                .attr('aria-label', fill(expanded ? TEXT.hide : TEXT.show, this.title()));
        }

        collapse() {
            $.each(this.children(), function () {
                new Node(this).collapse();
            }).hide();
            this.mark(false);
        }

        expand() {
            if (this.childrenLoaded) {
                this.children().show();
                this.mark(true);
                return $.Deferred().resolve().promise();
            }
            return this.loadChildren();
        }

        toggle() {
            return this.isCollapsed() ? this.expand() : $.Deferred().resolve(this.collapse()).promise();
        }

        loadChildren(resultList = [], contextList = [], page = 1) {
            this.$elem.attr('data-children-loaded', '1');
            this.childrenLoaded = true;
            this.$toggle.removeClass('treebeard-collapsed').addClass('treebeard-loading');
            const params = new URLSearchParams(window.location.search);
            params.set('p', page);
            return $.get(`${GET_CHILDREN_ENDPOINT}${this.id}/`, params.toString()).then(response => {
                resultList.push(...$(response['result_html']).find('#result_list tbody tr').toArray());
                contextList.push(...response['tree_context']);
                if (response['page'] < response['num_pages']) {
                    return this.loadChildren(resultList, contextList, response['page'] + 1);
                }
                const $resultList = $(resultList);
                setupData($resultList, contextList);
                $resultList.insertAfter(this.$elem);
                this.mark(true);
            });
        }
    }

    const setupData = ($resultList, contextList) => {
        $resultList.each((index, el) => Object.entries(contextList[index]).forEach(
            ([key, val]) => $(el).attr(`data-${key}`, val))
        );
        $resultList.each((idx, el) => {
            const $row = $(el);
            const $firstCell = $row.find('td,th').not('.action-checkbox').first();
            if (!$firstCell.length) {
                return;
            }
            const hasChildren = parseInt($row.data('has-children')),
                canChange = parseInt($row.data('can-change')),
                level = parseInt($row.data('level'));
            const elements = [
                canChange ? $('<span class="drag-handler" draggable="true"></span>').attr('title', TEXT.drag)
                    : $('<span class="drag-handler drag-handler-disabled"></span>')
            ];
            if (level > 1) {
                elements.push($('<span class="spacer" aria-hidden="true">&nbsp;</span>'.repeat(level - 1)));
            }
            if (hasChildren) {
                elements.push($('<button type="button" class="treebeard-collapse treebeard-collapsed"></button>'));
            }
            $firstCell.prepend(elements);
            if (hasChildren) {
                new Node(el).mark(false);
            }
        });
    };

    const setupDragHandler = () => {
        if ($('#has-change-permission').val() === '0') {
            return;
        }
        const $body = $('body');
        const $resultList = $('#result_list');
        let dragPageY = null;
        let draggedNode = null;
        let targetNode = null;
        let relation = 'child';
        const $ghost = $('<div id="ghost"></div>');
        const $tooltip = $('<div id="drag-tooltip" role="status"></div>');
        $ghost.appendTo($body).hide();
        $tooltip.appendTo($body).hide();

        $body.on('dragover', event => dragPageY = event.pageY);
        $resultList.on('dragover', 'tr', event => event.preventDefault());
        $resultList.on('dragenter', 'tbody tr', (event) => {
            if (targetNode) {
                targetNode.$elem.removeClass('target-node-parent target-node-sibling');
            }
            targetNode = new Node($(event.currentTarget));
            if (targetNode.$toggle.length && targetNode.isCollapsed()) {
                targetNode.expand();
            }
        });
        $body.on('dragend', () => {
            if (targetNode) {
                targetNode.$elem.removeClass('target-node-parent target-node-sibling');
            }
            targetNode = null;
            if (draggedNode) {
                draggedNode.$elem.removeClass('active-node');
            }
            $ghost.hide();
            $tooltip.hide();
        });
        $body.on('dragstart', (event) => {
            $ghost.show();
            $tooltip.show();
            draggedNode = new Node($(event.target).closest('tr')[0]);
            draggedNode.$elem.addClass('active-node');
            $ghost.html(draggedNode.$elem.clone());
            event.originalEvent.dataTransfer.setDragImage($ghost[0], 0, 0);
        });
        $body.on('drag', () => {
            if (!targetNode) {
                return;
            }
            const $row = targetNode.$elem;
            const rtop = $row.offset().top;
            let text;
            if (targetNode.id == draggedNode.id) {
                text = TEXT.abort;
            } else if (dragPageY >= rtop && dragPageY <= rtop + $row.height() / 2) {
                relation = 'sibling';
                $row.removeClass('target-node-parent').addClass('target-node-sibling');
                text = TEXT.sibling;
            } else {
                relation = 'child';
                $row.removeClass('target-node-sibling').addClass('target-node-parent');
                text = TEXT.child;
            }
            $tooltip.text(text);
            // Inside both the row and the window: a wide table would push it off the right edge.
            const right = Math.min($row.offset().left + $row.outerWidth(), window.scrollX + document.documentElement.clientWidth);
            $tooltip.css({left: Math.max(0, right - $tooltip.outerWidth()), top: rtop, height: $row.outerHeight() - 2});
        });
        $resultList.on('drop', 'tbody tr', () => {
            if (!targetNode || !draggedNode || targetNode.id == draggedNode.id) {
                return;
            }
            memory.save();
            $.post({
                url: MOVE_NODE_ENDPOINT,
                data: {node: draggedNode.id, target: targetNode.id, relation: relation},
                headers: {'X-CSRFToken': CSRF_TOKEN},
            }).always(() => window.location.reload());  // the message of the move, or of its refusal
        });
    };

    // Opens the remembered branches top down (children load on demand), then returns to where the user was.
    const restore = () => {
        const state = memory.read();
        const wanted = new Set(state.open);
        const openWithin = ($rows) => $.when(...$rows.toArray()
            .filter(row => wanted.has(String($(row).data('node-id'))))
            .map(row => {
                const node = new Node(row);
                return node.$toggle.length ? node.expand().then(() => openWithin(node.children())) : null;
            }));
        return openWithin($('#result_list tbody tr')).always(() => {
            if (state.scroll) {
                window.scrollTo(0, state.scroll);
            }
            document.body.classList.add('goal-tree-ready');
        });
    };

    $(document).ready(function () {
        const $resultList = $('#result_list tbody tr');
        const contextList = JSON.parse(document.getElementById('tree-context').textContent);
        setupData($resultList, contextList);
        $('#result_list').on('click', 'button.treebeard-collapse', (event) => {
            event.preventDefault();
            new Node($(event.currentTarget).closest('tr')[0]).toggle().then(() => memory.save());
        });
        // Leaving for a goal's form keeps the place too: its save returns here.
        $(window).on('pagehide', () => memory.save());
        setupDragHandler();
        restore();
    });
})(django.jQuery);
