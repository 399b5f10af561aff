"""Pages of double-random draws: agency pages (/work/sampling/) and public pages (/public/draws/)."""
