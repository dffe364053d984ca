"""Tables of numbers quoted in the paper, made by the workflow (``results/tables/``).

Modules
-------
paper_numbers
    This run's values next to the paper's (``results/tables/paper_numbers.csv``).
"""
