-- The film-rental schema of the PostgreSQL tests, as far as SQL Server allows (batches separated by GO).
CREATE SCHEMA sales;
GO
CREATE TABLE dbo.country (country_id int IDENTITY(1,1) PRIMARY KEY, country nvarchar(50) NOT NULL UNIQUE, last_update datetime2 NOT NULL DEFAULT SYSUTCDATETIME());
CREATE TABLE dbo.city (city_id int IDENTITY(1,1) PRIMARY KEY, city nvarchar(50) NOT NULL, country_id int NOT NULL REFERENCES dbo.country (country_id));
CREATE TABLE dbo.address (address_id int IDENTITY(1,1) PRIMARY KEY, address nvarchar(50) NOT NULL, district nvarchar(20) NOT NULL CHECK (len(district) > 0), city_id int NOT NULL REFERENCES dbo.city (city_id), postal_code varchar(10) NULL, phone varchar(20) NOT NULL);
CREATE TABLE dbo.language (language_id tinyint IDENTITY(1,1) PRIMARY KEY, name nchar(20) NOT NULL);
CREATE TABLE dbo.category (category_id int IDENTITY(1,1) PRIMARY KEY, name nvarchar(25) NOT NULL, parent_id int NULL REFERENCES dbo.category (category_id));
CREATE TABLE dbo.film (
    film_id int IDENTITY(1,1) PRIMARY KEY,
    title nvarchar(255) NOT NULL,
    description nvarchar(max) NULL,
    release_year smallint NULL CHECK (release_year BETWEEN 1901 AND 2155),
    language_id tinyint NOT NULL REFERENCES dbo.language (language_id),
    rental_duration tinyint NOT NULL DEFAULT 3 CHECK (rental_duration >= 1 AND rental_duration <= 14),
    rental_rate decimal(4,2) NOT NULL DEFAULT 4.99 CHECK (rental_rate >= 0),
    rating varchar(5) NULL DEFAULT 'G' CHECK (rating IN ('G', 'PG', 'PG-13', 'R', 'NC-17')),
    title_length AS len(title)
);
CREATE TABLE dbo.actor (actor_id int IDENTITY(1,1) PRIMARY KEY, first_name nvarchar(45) NOT NULL, last_name nvarchar(45) NOT NULL);
CREATE TABLE dbo.film_actor (actor_id int NOT NULL REFERENCES dbo.actor (actor_id), film_id int NOT NULL REFERENCES dbo.film (film_id), PRIMARY KEY (actor_id, film_id));
CREATE TABLE dbo.film_category (film_id int NOT NULL REFERENCES dbo.film (film_id), category_id int NOT NULL REFERENCES dbo.category (category_id), PRIMARY KEY (film_id, category_id));
CREATE TABLE sales.store (store_id int IDENTITY(1,1) PRIMARY KEY, manager_staff_id int NULL, address_id int NOT NULL REFERENCES dbo.address (address_id), opened date NOT NULL);
CREATE TABLE sales.staff (
    staff_id int IDENTITY(1,1) PRIMARY KEY,
    first_name nvarchar(45) NOT NULL,
    email nvarchar(50) NULL,
    store_id int NOT NULL REFERENCES sales.store (store_id),
    manager_id int NULL REFERENCES sales.staff (staff_id),
    active bit NOT NULL DEFAULT 1,
    username nvarchar(16) NOT NULL,
    password_hash varbinary(64) NULL
);
CREATE UNIQUE INDEX ux_staff_email ON sales.staff (email) WHERE email IS NOT NULL;
ALTER TABLE sales.store ADD CONSTRAINT store_manager_fk FOREIGN KEY (manager_staff_id) REFERENCES sales.staff (staff_id);
CREATE TABLE sales.customer (
    customer_id int IDENTITY(1,1) PRIMARY KEY,
    external_id uniqueidentifier NOT NULL UNIQUE DEFAULT NEWID(),
    store_id int NOT NULL REFERENCES sales.store (store_id),
    first_name nvarchar(45) NOT NULL,
    email nvarchar(50) NULL,
    address_id int NOT NULL REFERENCES dbo.address (address_id),
    status varchar(10) NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'banned')),
    birth_date date NULL CHECK (birth_date > '1900-01-01'),
    created datetimeoffset NOT NULL DEFAULT SYSDATETIMEOFFSET()
);
CREATE TABLE sales.inventory (inventory_id int IDENTITY(1,1) PRIMARY KEY, film_id int NOT NULL REFERENCES dbo.film (film_id), store_id int NOT NULL REFERENCES sales.store (store_id));
CREATE TABLE sales.rental (
    rental_id bigint IDENTITY(1,1) PRIMARY KEY,
    rental_date datetime2 NOT NULL,
    inventory_id int NOT NULL REFERENCES sales.inventory (inventory_id),
    customer_id int NOT NULL REFERENCES sales.customer (customer_id),
    return_date datetime2 NULL,
    staff_id int NOT NULL REFERENCES sales.staff (staff_id),
    CONSTRAINT rental_return_after CHECK (return_date >= rental_date)
);
CREATE TABLE sales.payment (
    payment_id int IDENTITY(1,1) PRIMARY KEY,
    customer_id int NOT NULL REFERENCES sales.customer (customer_id),
    rental_id bigint NULL REFERENCES sales.rental (rental_id),
    amount decimal(5,2) NOT NULL CHECK (amount >= 0 AND amount < 1000),
    method varchar(10) NOT NULL CHECK (method IN ('card', 'cash', 'voucher')),
    payment_date datetimeoffset NOT NULL
);
CREATE TABLE sales.loyalty_tier (tier_code char(1) PRIMARY KEY CHECK (tier_code IN ('B', 'S', 'G')), discount_percent smallint NOT NULL CHECK (discount_percent BETWEEN 0 AND 50));
GO
CREATE VIEW sales.customer_list AS SELECT customer_id, first_name FROM sales.customer;
GO
