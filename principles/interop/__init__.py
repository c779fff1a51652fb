"""Principle sets and crosswalks in other formats (OSCAL): conversions only. Every import
goes through the library file checks and `principles.services.library_file_import`."""
