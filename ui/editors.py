"""Small editors of the audit pages: trend events, category tags, knowledge coverage."""

from __future__ import annotations

import streamlit as st

from ui import layout, session, tags


def events_editor() -> None:
    """Add a trend marker (policy change, release, new playbook) or remove one."""
    from lib.store import EVENT_KINDS

    if (added := st.session_state.pop("_event_added", None)) is not None:
        st.success(f"Added “{added}” to the trend.", icon=":material/check:")
    events = session.store().list_events()
    with st.form("ev_form", clear_on_submit=True, border=False):
        c1, c2, c3 = st.columns([1, 1, 2])
        day = c1.date_input("Date", key="ev_date")
        kind = c2.selectbox("Kind", EVENT_KINDS, key="ev_kind")
        title = c3.text_input("Title", key="ev_title", placeholder="e.g. New refund policy")
        if st.form_submit_button("Add event", icon=":material/add:"):
            with layout.user_errors("Event"):
                session.store().add_event(day, kind, title, actor=session.actor())
                st.session_state["_event_added"] = title
                st.rerun()
    if events.height:
        ids = events.get_column("id").to_list()
        names = {
            r["id"]: f"{r['date']} · {r['kind']}: {r['title']}" for r in events.rows(named=True)
        }
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        gone = c1.selectbox("Remove an event", ids, format_func=names.get, key="ev_remove")
        if c2.button("Remove", key="ev_remove_btn", icon=":material/delete:"):
            with layout.user_errors("Event"):
                session.store().delete_event(int(gone), actor=session.actor())
                st.rerun()


def tag_editor(categories: list[str]) -> None:
    """Tag a category's escalations skill-based, policy-based or unknown, with a note."""
    from lib.store import TAG_KINDS

    if not categories:
        return
    if (saved := st.session_state.pop("_tag_saved", None)) is not None:
        st.success(f"Saved “{saved}”.", icon=":material/check:")
    known = {r["category"]: r for r in tags.category_tags().rows(named=True)}
    cat = st.selectbox(
        "Category to tag", categories, format_func=tags.tag_label, key="tag_category"
    )
    rec = known.get(cat) or {}
    i = categories.index(cat)
    with st.form(f"tag_form_{i}", border=True):
        kind = st.radio(
            "Its escalations are",
            TAG_KINDS,
            index=TAG_KINDS.index(rec["kind"]) if rec.get("kind") in TAG_KINDS else 2,
            horizontal=True,
            key=f"tag_kind_{i}",
            format_func=lambda k: {"skill": "skill-based", "policy": "policy-based"}.get(k, k),
        )
        note = st.text_input(
            "Note",
            value=rec.get("note") or "",
            key=f"tag_note_{i}",
            placeholder="Why? e.g. refunds over $100 need a manager's approval",
        )
        if st.form_submit_button("Save tag", icon=":material/sell:"):
            with layout.user_errors("Tag"):
                tags.save_category_tag(cat, kind, note)
                st.session_state["_tag_saved"] = f"{cat}: {kind}"
                st.rerun()


def coverage_editor(categories: list[str]) -> None:
    """Record a category's knowledge-base article: exists, accurate, detailed enough, link."""
    if not categories:
        return
    if (saved := st.session_state.pop("_kc_saved", None)) is not None:
        st.success(f"Saved the knowledge coverage of “{saved}”.", icon=":material/check:")
    known = {r["category"]: r for r in session.store().get_knowledge_coverage().rows(named=True)}
    cat = st.selectbox(
        "Category to record", categories, format_func=tags.tag_label, key="kc_category"
    )
    rec = known.get(cat) or {}
    i = categories.index(cat)
    with st.form(f"kc_form_{i}", border=True):
        c1, c2, c3 = st.columns(3)
        exists = c1.checkbox(
            "Article exists", value=bool(rec.get("article_exists")), key=f"kc_exists_{i}"
        )
        accurate = c2.checkbox("Accurate", value=bool(rec.get("accurate")), key=f"kc_accurate_{i}")
        detailed = c3.checkbox(
            "Detailed enough to follow",
            value=bool(rec.get("detailed_enough")),
            key=f"kc_detailed_{i}",
        )
        link = st.text_input("Link to the article", value=rec.get("link") or "", key=f"kc_link_{i}")
        note = st.text_input("Note", value=rec.get("note") or "", key=f"kc_note_{i}")
        if st.form_submit_button("Save coverage", icon=":material/menu_book:"):
            with layout.user_errors("Knowledge coverage"):
                session.store().set_knowledge_coverage(
                    cat,
                    article_exists=exists,
                    accurate=accurate,
                    detailed_enough=detailed,
                    link=link,
                    note=note,
                    actor=session.actor(),
                )
                st.session_state["_kc_saved"] = cat
                st.rerun()
