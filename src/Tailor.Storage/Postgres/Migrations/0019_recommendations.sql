-- Precomputed recommendations (issue 19). A run's rows are written and served together; recommendation_served
-- names the run served for each kind ('recommend': model neighbours and per-profile lists; 'rules': association rules).
CREATE TABLE recommendation_served (
    kind TEXT PRIMARY KEY,
    run TEXT NOT NULL,
    model TEXT NOT NULL,
    promoted_at BIGINT NOT NULL
);
-- The items a run knew, with what templates show (from the latest product events).
CREATE TABLE recommendation_items (
    run TEXT NOT NULL,
    item TEXT NOT NULL,
    name TEXT,
    price TEXT,
    url TEXT,
    image_url TEXT,
    category TEXT,
    orders BIGINT NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (run, item)
);
-- Related items, best first per item: cosine similarity (model item-knn) or lift (model rules).
CREATE TABLE item_neighbours (
    run TEXT NOT NULL,
    item TEXT NOT NULL,
    rank INTEGER NOT NULL,
    neighbour TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    model TEXT NOT NULL,
    PRIMARY KEY (run, item, rank)
);
-- Each profile's top-N, items already bought excluded, best first.
CREATE TABLE profile_recommendations (
    run TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    rank INTEGER NOT NULL,
    item TEXT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (run, profile_id, rank)
);
