#!/usr/bin/env python3
"""Writes two-pages.pdf for the MemoryPDF tests: two pages of known text, made with fpdf2 (`pip install fpdf2`)."""
from fpdf import FPDF

pdf = FPDF()
pdf.set_font("Helvetica", size=14)
pdf.add_page()
pdf.cell(text="Whales are marine mammals.")
pdf.add_page()
pdf.cell(text="Page two talks about sourdough bread.")
pdf.output("two-pages.pdf")
