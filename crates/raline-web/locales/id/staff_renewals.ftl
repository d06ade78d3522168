# Staff pages for renewals, members at the desk and identity corrections.
