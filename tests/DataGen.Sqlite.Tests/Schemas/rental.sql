-- The film-rental schema of the PostgreSQL tests, as far as SQLite allows: no schemas, enums, domains, arrays or
-- partitions; CHECKs stand in for enums; rowid keys stand in for identity columns.
CREATE TABLE country (country_id INTEGER PRIMARY KEY AUTOINCREMENT, country TEXT NOT NULL UNIQUE, last_update DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE city (city_id INTEGER PRIMARY KEY, city VARCHAR(50) NOT NULL, country_id INTEGER NOT NULL REFERENCES country (country_id));
CREATE TABLE address (
    address_id INTEGER PRIMARY KEY,
    address VARCHAR(50) NOT NULL,
    district VARCHAR(20) NOT NULL CHECK (length(district) > 0),
    city_id INTEGER NOT NULL REFERENCES city,
    postal_code VARCHAR(10),
    phone VARCHAR(20) NOT NULL
);
CREATE TABLE language (language_id INTEGER PRIMARY KEY AUTOINCREMENT, name CHAR(20) NOT NULL);
CREATE TABLE category (category_id INTEGER PRIMARY KEY, name VARCHAR(25) NOT NULL, parent_id INTEGER REFERENCES category (category_id));
CREATE TABLE film (
    film_id INTEGER PRIMARY KEY AUTOINCREMENT,
    title VARCHAR(255) NOT NULL,
    description TEXT,
    release_year INTEGER CHECK (release_year BETWEEN 1901 AND 2155),
    language_id INTEGER NOT NULL REFERENCES language (language_id),
    rental_duration SMALLINT NOT NULL DEFAULT 3 CHECK (rental_duration >= 1 AND rental_duration <= 14),
    rental_rate DECIMAL(4,2) NOT NULL DEFAULT 4.99 CHECK (rental_rate >= 0),
    rating TEXT DEFAULT 'G' CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')),
    title_length INTEGER GENERATED ALWAYS AS (length(title)) VIRTUAL
);
CREATE TABLE actor (actor_id INTEGER PRIMARY KEY AUTOINCREMENT, first_name VARCHAR(45) NOT NULL, last_name VARCHAR(45) NOT NULL);
CREATE TABLE film_actor (actor_id INTEGER NOT NULL REFERENCES actor, film_id INTEGER NOT NULL REFERENCES film, PRIMARY KEY (actor_id, film_id));
CREATE TABLE film_category (film_id INTEGER NOT NULL REFERENCES film, category_id INTEGER NOT NULL REFERENCES category, PRIMARY KEY (film_id, category_id));
CREATE TABLE store (store_id INTEGER PRIMARY KEY, manager_staff_id INTEGER REFERENCES staff (staff_id), address_id INTEGER NOT NULL REFERENCES address, opened DATE NOT NULL);
CREATE TABLE staff (
    staff_id INTEGER PRIMARY KEY,
    first_name VARCHAR(45) NOT NULL,
    email VARCHAR(50) UNIQUE,
    store_id INTEGER NOT NULL REFERENCES store (store_id),
    manager_id INTEGER REFERENCES staff (staff_id),
    active BOOLEAN NOT NULL DEFAULT 1,
    username VARCHAR(16) NOT NULL
);
CREATE TABLE customer (
    customer_id INTEGER PRIMARY KEY,
    external_id UUID NOT NULL UNIQUE,
    store_id INTEGER NOT NULL REFERENCES store,
    first_name VARCHAR(45) NOT NULL,
    email VARCHAR(50),
    address_id INTEGER NOT NULL REFERENCES address,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'banned')),
    preferences JSON,
    birth_date DATE CHECK (birth_date > '1900-01-01')
);
CREATE TABLE inventory (inventory_id INTEGER PRIMARY KEY, film_id INTEGER NOT NULL REFERENCES film, store_id INTEGER NOT NULL REFERENCES store);
CREATE TABLE rental (
    rental_id INTEGER PRIMARY KEY AUTOINCREMENT,
    rental_date DATETIME NOT NULL,
    inventory_id INTEGER NOT NULL REFERENCES inventory,
    customer_id INTEGER NOT NULL REFERENCES customer,
    return_date DATETIME,
    staff_id INTEGER NOT NULL REFERENCES staff,
    CHECK (return_date >= rental_date)
);
CREATE TABLE payment (
    payment_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer,
    rental_id INTEGER REFERENCES rental,
    amount NUMERIC(5,2) NOT NULL CHECK (amount >= 0 AND amount < 1000),
    method TEXT NOT NULL CHECK (method = 'card' OR method = 'cash' OR method = 'voucher'),
    payment_date DATETIME NOT NULL
);
CREATE TABLE loyalty_tier (tier_code CHAR(1) PRIMARY KEY CHECK (tier_code IN ('B', 'S', 'G')), discount_percent SMALLINT NOT NULL CHECK (discount_percent BETWEEN 0 AND 50));
CREATE VIEW film_list AS SELECT film_id, title, rating FROM film;
CREATE TRIGGER film_touch AFTER UPDATE ON film BEGIN SELECT 1; END;
