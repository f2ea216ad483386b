"""The hello-world page the browser probe compares the app with: Streamlit alone, on the same
machine in the same run. Two pages in a menu, and a form submitted by Enter, as the sign-in is."""
import streamlit as st


def first() -> None:
    st.title("Trang một")
    with st.form("hello"):
        name = st.text_input("Tên")
        st.form_submit_button("Gửi")
    if name:
        st.metric("Xin chào", name)


def second() -> None:
    st.title("Trang hai")
    st.write("Một trang không có số liệu.")


st.navigation([st.Page(first, title="Trang một", url_path="mot"), st.Page(second, title="Trang hai", url_path="hai")],
              position="sidebar").run()
