//! Direct sync into an INLISLite MariaDB/MySQL database.
