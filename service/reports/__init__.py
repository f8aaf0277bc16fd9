"""The committee's reports (issue 13): the committee summary counted from the stored documents
and findings (`summary`, worded by `wording`), the controller's internal-control report of an
administration (`control`), charts as SVG with a text alternative and a data table (`charts`),
exports of findings and decisions as Excel, CSV and JSON (`exports`), and HTML and PDF of the
reports (`pdf`, templates and the print stylesheet in `templates/`)."""
