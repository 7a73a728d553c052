let cashier: types::GetCashierResponse = json(r#"{"depositMethods":[{"method":"payment-card","brands":["Visa"],"amounts":[10]},{"method":"check","filters":["x"],"amounts":[5]}]}"#);
let methods = cashier.deposit_methods.unwrap();
let types::GetCashierResponseDepositMethodsItem::PaymentCard(card) = &methods[0] else { panic!() };
assert_eq!((card.brands.clone().unwrap(), card.amounts.clone()), (vec!["Visa".to_string()], vec![10.0]));
let types::GetCashierResponseDepositMethodsItem::Check(check) = &methods[1] else { panic!() };
assert_eq!((check.filters.clone().unwrap(), check.amounts.clone()), (vec!["x".to_string()], vec![5.0]));
