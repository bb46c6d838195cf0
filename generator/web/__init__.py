"""`speechdraft serve`: the brief form, the draft with picking, and the downloads as a local web page.

The page drives the same `PickSession` as the terminal picker; this package only
translates HTTP requests into its moves and renders the result. Flask is imported
here and nowhere else, so other commands never load it.
"""
